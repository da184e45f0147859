import type { FileConfig } from './config.js';

/** "exports/" and "exports" are one place; a transform in the schema would hide the default from JSON Schema. */
function directoryOf(config: FileConfig): string {
  return config.directory.replace(/\/+$/, '');
}

/** Upserts (and, for JSONL, removes too): `<directory>/<fileName>.<format>`. */
export function mainPath(config: FileConfig): string {
  return `${directoryOf(config)}/${config.fileName}.${config.format}`;
}

/** CSV removes go to their own fixed-column file so they never constrain the upsert header. */
export function removalsPath(config: FileConfig): string {
  return `${directoryOf(config)}/${config.fileName}.removals.csv`;
}

export function membershipPath(config: FileConfig, list: string): string {
  return `${directoryOf(config)}/${config.fileName}.${list}.membership.jsonl`;
}

export function checkPath(config: FileConfig): string {
  return `${directoryOf(config)}/.esp-hub-write-check`;
}

/** List names become part of a file name, so they are restricted rather than escaped. */
export const LIST_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
