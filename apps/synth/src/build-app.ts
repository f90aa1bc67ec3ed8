import { type FactoryInput, ImageFactory } from '@image-factory/factory';
import { App, Chart, YamlOutputType } from 'cdk8s';

/** Id of the chart holding the factory; `cdk8s synth` names its file `<id>.k8s.yaml`. */
export const CHART_ID = 'image-factory';

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  /**
   * Where `app.synth()` writes (only used by `cdk8s synth`; the CLI renders with `renderManifest`).
   *
   * @default - cdk8s' default: `$CDK8S_OUTDIR`, else `dist`
   */
  readonly outdir?: string;
}

/**
 * The cdk8s app of a state repository: one chart holding the {@link ImageFactory}. Pure: no file
 * is read or written. Throws `ImageFactoryStateError` when the state cannot be wired.
 */
export function buildApp(state: FactoryInput, options: BuildAppOptions = {}): App {
  const app = new App({
    yamlOutputType: YamlOutputType.FILE_PER_CHART,
    ...(options.outdir !== undefined ? { outdir: options.outdir } : {}),
  });
  const chart = new Chart(app, CHART_ID);
  new ImageFactory(chart, 'ImageFactory', { state });
  return app;
}
