// `diagnostics --format sarif`: a SARIF 2.1.0 log, the format CI systems and code scanning ingest.

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, FileDiagnostics, Location, Range } from './diagnostic.js';
import { byPosition, severityOf, shownCode, uriToPath } from './document-path.js';

const SARIF_SCHEMA =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
/** The rule id of a diagnostic that has no code. */
export const NO_CODE_RULE = 'no-code';
const ROOT_BASE_ID = 'PROJECTROOT';
const LEVEL = { 1: 'error', 2: 'warning', 3: 'note', 4: 'note' } as const;

type SarifLevel = (typeof LEVEL)[keyof typeof LEVEL];
interface ArtifactLocation {
  uri: string;
  uriBaseId?: string;
}
interface SarifLocation {
  id?: number;
  physicalLocation: {
    artifactLocation: ArtifactLocation;
    region: { startLine: number; startColumn: number; endLine: number; endColumn: number };
  };
  message?: { text: string };
}
export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: { text: string };
  locations: SarifLocation[];
  relatedLocations?: SarifLocation[];
}
/** The part of SARIF 2.1.0 this launcher writes. */
export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: Array<{
    tool: { driver: { name: string; version?: string; rules: Array<{ id: string }> } };
    originalUriBaseIds: Record<string, { uri: string }>;
    columnKind: 'utf16CodeUnits';
    results: SarifResult[];
  }>;
}

export interface SarifOptions {
  readonly projectRoot: string;
  /** The driver's name: the tool that produced the diagnostics. */
  readonly tool: string;
  readonly version?: string | null;
}

/**
 * One run with one result per diagnostic. Files inside the project are relative to the
 * `PROJECTROOT` base (what code-scanning uploads expect); other URIs stay absolute. LSP's
 * 0-based, end-exclusive UTF-16 positions become SARIF's 1-based ones (`endColumn` is exclusive
 * in both).
 */
export function toSarif(files: FileDiagnostics[], options: SarifOptions): SarifLog {
  const rules: Array<{ id: string }> = [];
  const ruleIndex = new Map<string, number>();
  const results: SarifResult[] = [];
  for (const { uri, diagnostics } of files) {
    for (const diagnostic of [...diagnostics].sort(byPosition)) {
      const ruleId = shownCode(diagnostic.code) ?? NO_CODE_RULE;
      if (!ruleIndex.has(ruleId)) {
        ruleIndex.set(ruleId, rules.length);
        rules.push({ id: ruleId });
      }
      results.push(toResult(diagnostic, uri, ruleId, ruleIndex.get(ruleId)!, options.projectRoot));
    }
  }
  const driver = {
    name: options.tool,
    ...(options.version ? { version: options.version } : {}),
    rules,
  };
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver },
        originalUriBaseIds: {
          [ROOT_BASE_ID]: { uri: directoryUri(options.projectRoot) },
        },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

// A base URI must end with a slash (SARIF §3.14.14); the filesystem root already does.
function directoryUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith('/') ? href : `${href}/`;
}

function toResult(d: Diagnostic, uri: string, ruleId: string, index: number, root: string) {
  const result: SarifResult = {
    ruleId,
    ruleIndex: index,
    level: LEVEL[severityOf(d)],
    message: { text: d.message },
    locations: [toLocation({ uri, range: d.range }, root)],
  };
  if (d.relatedInformation?.length) {
    result.relatedLocations = d.relatedInformation.map((info, id) => ({
      id,
      ...toLocation(info.location, root),
      message: { text: info.message },
    }));
  }
  return result;
}

function toLocation(location: Location, root: string): SarifLocation {
  return {
    physicalLocation: {
      artifactLocation: artifactLocation(location.uri, root),
      region: toRegion(location.range),
    },
  };
}

function artifactLocation(uri: string, root: string): ArtifactLocation {
  const file = uriToPath(uri);
  if (file === null) return { uri };
  const relative = path.relative(root, file);
  const outside = relative === '..' || relative.startsWith(`..${path.sep}`);
  if (relative === '' || outside || path.isAbsolute(relative)) return { uri };
  const encoded = relative.split(path.sep).map(encodeURIComponent).join('/');
  return { uri: encoded, uriBaseId: ROOT_BASE_ID };
}

function toRegion(range: Range) {
  return {
    startLine: range.start.line + 1,
    startColumn: range.start.character + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.character + 1,
  };
}
