// The ordered list of migrations. Append only; never edit a released one.
import { m0001 } from './0001-initial';
import { m0002 } from './0002-sources';
import { m0003 } from './0003-drafting';
import { m0004 } from './0004-finding-dims';
import { m0005 } from './0005-custody';
import type { Migration } from './types';

export const MIGRATIONS: readonly Migration[] = [m0001, m0002, m0003, m0004, m0005];
export type { Migration };
