import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseDefaultPoolFile, serializePoolFile, toDefaultPools, type DefaultPoolFile, type PoolFile } from '@freepool/free-model-pool';
import { AVAILABLE_MODELS_PATH, DEFAULT_POOLS_PATH } from './paths.js';

export const AVAILABLE_MODELS_FILE = 'available-free-models.json';
export const DEFAULT_POOLS_FILE = 'default-pools.json';

/** Where discovery writes: the committed locations, or both files inside `outDir` (tests). */
export function discoveryPaths(outDir?: string): { available: string; defaultPools: string } {
  return outDir
    ? { available: join(outDir, AVAILABLE_MODELS_FILE), defaultPools: join(outDir, DEFAULT_POOLS_FILE) }
    : { available: AVAILABLE_MODELS_PATH, defaultPools: DEFAULT_POOLS_PATH };
}

function writeText(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Writes `available-free-models.json` and the default pool file; returns the paths. */
export function writeDiscovery(file: PoolFile, outDir?: string): { available: string; defaultPools: string } {
  const paths = discoveryPaths(outDir);
  writeText(paths.available, serializePoolFile(file));
  writeText(paths.defaultPools, serializePoolFile(toDefaultPools(file)));
  return paths;
}

export function readDefaultPools(path: string): DefaultPoolFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`Cannot read the pool file ${path}: ${(e as Error).message}`);
  }
  return parseDefaultPoolFile(json, path);
}

export function writeDefaultPools(path: string, file: DefaultPoolFile): void {
  writeText(path, serializePoolFile(file));
}
