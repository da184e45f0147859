export { assignToMicroSegments } from './assign.js';
export { chooseK, type KChoice } from './choose-k.js';
export { type DescriptionTerm, describeClusters, describeTerms, featureWord } from './describe.js';
export { solveAssignment } from './hungarian.js';
export { type KMeansOptions, type KMeansResult, kmeans } from './kmeans.js';
export { seedKMeansPlusPlus } from './kmeans-seed.js';
export { type LloydOptions, type LloydResult, runLloyd } from './lloyd.js';
export { type FeatureMatrix, matrixFromRows, squaredDistance } from './matrix.js';
export {
  type Cluster,
  clusterSchema,
  type KCandidate,
  kCandidateSchema,
  type MicroSegmentModel,
  microSegmentModelSchema,
} from './model.js';
export {
  type ClusterFeature,
  type ClusterFeatureInput,
  clusterFeatureSchema,
  type MicroSegmentOptions,
  type MicroSegmentOptionsInput,
  microSegmentOptionsSchema,
} from './options.js';
export { deriveSeed, sampleIndices, seededRandom } from './random.js';
export { prepareSilhouetteSample, type SilhouetteSample, silhouetteScore } from './silhouette.js';
export { type CarriedIds, carryClusterIds } from './stable-ids.js';
export { applyScaler, fitScaler, type Scaler, scaleRow, unscaleRow } from './standardize.js';
export { type MicroSegmentTraining, trainMicroSegments } from './train.js';
