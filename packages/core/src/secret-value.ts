// SecretValue lives in @buildsecrets/base (the audit takes values too); core's modules import it from here.
export { SecretValue } from '@buildsecrets/base';
