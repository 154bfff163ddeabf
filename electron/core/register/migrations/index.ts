// The ordered list of migrations. Append only; never edit a released one.
import { m0001 } from './0001-initial';
import { m0002 } from './0002-sources';
import { m0003 } from './0003-drafting';
import { m0004 } from './0004-finding-dims';
import { m0005 } from './0005-custody';
import { m0006 } from './0006-triage';
import { m0007 } from './0007-containment';
import { m0008 } from './0008-technique-decisions';
import { m0009 } from './0009-signal-deltas';
import type { Migration } from './types';

export const MIGRATIONS: readonly Migration[] = [m0001, m0002, m0003, m0004, m0005, m0006, m0007, m0008, m0009];
export type { Migration };
