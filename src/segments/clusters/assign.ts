import type { FeatureMatrix } from './matrix.js';
import type { MicroSegmentModel } from './model.js';
import { applyScaler } from './standardize.js';

/**
 * The cluster id of each row under a trained model (nearest centroid in the model's standardised
 * space): for customers who arrive between retrains.
 */
export function assignToMicroSegments(model: MicroSegmentModel, data: FeatureMatrix): Int32Array {
  const scaled = applyScaler(model.scaler, data);
  const { rows, cols, values } = scaled;
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = Number.POSITIVE_INFINITY;
    let bestId = 0;
    for (const cluster of model.clusters) {
      let sum = 0;
      for (let c = 0; c < cols; c++) {
        const diff = values[i * cols + c]! - cluster.standardizedCentroid[c]!;
        sum += diff * diff;
      }
      if (sum < best) {
        best = sum;
        bestId = cluster.id;
      }
    }
    out[i] = bestId;
  }
  return out;
}
