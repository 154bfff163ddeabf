export interface Migration {
  /** 1, 2, 3… in order, no gaps: the runner refuses anything else. */
  version: number;
  name: string;
  sql: string;
}
