/**
 * Reads a HAR file or Flowscope JSON into records, all of it before anything is stored, so a
 * malformed file is refused with the entry or line that is wrong and nothing half-imported stays.
 */
import { detectFormat, parseJsonLine } from '../../src-shared/har/flowscope-json.js';
import { parseHar } from '../../src-shared/har/from-har.js';
import { ImportFormatError } from '../../src-shared/har/import-error.js';
import { ApiError } from '../../src-shared/api/errors.js';
import type { ExportFormat, FlowRecord } from '../../src-shared/model/transfer.js';

export interface ParsedImport {
  format: ExportFormat;
  records: FlowRecord[];
}

export function parseImport(text: string, filename: string): ParsedImport {
  try {
    const format = detectFormat(text);
    if (format === 'har') return { format, records: parseHar(text) };
    const records: FlowRecord[] = [];
    const lines = text.split('\n');
    lines.forEach((line, index) => {
      if (line.trim() !== '') records.push(parseJsonLine(line, index + 1));
    });
    return { format, records };
  } catch (error) {
    if (error instanceof ImportFormatError) {
      throw new ApiError('BAD_ARGUMENT', `${filename} was not imported, nothing was stored: ${error.message}`);
    }
    throw error;
  }
}
