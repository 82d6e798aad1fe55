import type { CorrelationExport } from '../../shared/correlation.js';
import { InputError } from '../../shared/errors.js';
import type { SteeringFeature } from '../../shared/settings/steer-settings.js';

/** CorrSteer's pick: each SAE's `topK` features by |r| from a correlation of the same hook, with their mean on positives as coefficient. */
export function featuresFromCorrelation(correlation: CorrelationExport, hooks: readonly string[], topK: number): SteeringFeature[] {
  const features = hooks.flatMap((hook, sae) => {
    const match = correlation.saes.find((candidate) => candidate.hook === hook);
    return (match?.top ?? []).slice(0, topK).map(({ index, coefficient }) => ({ sae, feature: index, coefficient }));
  });
  if (features.length === 0) {
    const correlated = correlation.saes.map((sae) => sae.hook).join(', ');
    throw new InputError(`The correlation covers ${correlated || 'no SAE'}, none of the steered SAEs' hooks (${hooks.join(', ')}).`);
  }
  return features;
}
