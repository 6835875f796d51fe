import { AbortedError } from './error-classes.js';

/**
 * The run was interrupted (SIGINT, SIGTERM, the caller's signal) after the engine had already
 * built the image: the image exists (and may be tagged), so it was audited before this was thrown.
 * The message says which image and what the audit found.
 */
export class InterruptedAfterBuildError extends AbortedError {
  /** The image the engine built. */
  readonly imageId: string;
  /** `clean`, `findings` (audit in warn mode), or `not-audited` (audit off). A leak under `fail` throws LeakDetectedError instead. */
  readonly audit: 'clean' | 'findings' | 'not-audited';

  constructor(imageId: string, audit: 'clean' | 'findings' | 'not-audited') {
    const what = audit === 'clean' ? 'audited it: clean' : audit === 'findings' ? 'audited it: values FOUND (see the warnings above)' : 'the audit is off, so it was NOT audited';
    super(`interrupted after the engine had finished: it built ${imageId}; ${what}`);
    this.imageId = imageId;
    this.audit = audit;
  }
}
