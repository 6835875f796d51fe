export { sarifLog, fingerprint, INFORMATION_URI, SARIF_SCHEMA_URI, type SarifInput } from './sarif-log.js';
export { ruleFor, ruleId, ENCODING_DESCRIPTIONS, type SarifRule } from './sarif-rules.js';
export { outputFormat, FORMAT_OPTION, type OutputFormat } from './output-format.js';
