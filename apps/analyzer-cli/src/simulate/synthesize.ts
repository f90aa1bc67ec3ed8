import { ImageFactory, ImageFactoryStateError } from '@image-factory/factory';
import { type FactoryState, formatProblem } from '@image-factory/state-schema';
import { ApiObject, App, Chart } from 'cdk8s';
import { CliError } from '../errors.js';

/**
 * The objects `synth` writes for the state, in memory (as apps/synth's buildApp: one chart holding the
 * ImageFactory). Nothing is written. The synth-time schema validations (`Chart.toJson()`, which reads the
 * vendored CRDs that the bundled CLI does not ship) are not run: `synth` and `validate` check the schema;
 * the simulation reports what Kargo would make of the objects.
 */
export function synthesizeObjects(state: FactoryState): unknown[] {
  try {
    const app = new App();
    const chart = new Chart(app, 'image-factory');
    new ImageFactory(chart, 'ImageFactory', { state });
    return chart.node
      .findAll()
      .filter((c): c is ApiObject => ApiObject.isApiObject(c))
      .map((o) => o.toJson() as unknown);
  } catch (error) {
    if (error instanceof ImageFactoryStateError) {
      throw new CliError(
        `the state cannot be synthesized:\n${error.problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`,
      );
    }
    throw new CliError(`synth-time validation failed: ${(error as Error).message}`);
  }
}
