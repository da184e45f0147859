export { jaro, jaroWinkler } from './jaro.js';
export { damerauLevenshtein, levenshtein } from './levenshtein.js';
export { digitsOnly, foldText } from './normalize.js';
export { soundex } from './soundex.js';
