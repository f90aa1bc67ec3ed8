import { fileURLToPath } from 'node:url';
import { ImageFactory } from '@image-factory/factory';
import { loadState } from '@image-factory/state-schema';
import { App, Chart } from 'cdk8s';

/** The scenario fleet of test/fixtures/fleet (see its README). */
export const FLEET_DIR = fileURLToPath(new URL('./fixtures/fleet', import.meta.url));

/** Synthesizes a state directory as `synth` does (one chart holding the ImageFactory), as objects. */
export async function synthesize(dir: string): Promise<unknown[]> {
  const loaded = await loadState(dir);
  if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.message).join('\n'));
  const app = new App();
  const chart = new Chart(app, 'image-factory');
  new ImageFactory(chart, 'ImageFactory', { state: loaded.state });
  return chart.toJson() as unknown[];
}
