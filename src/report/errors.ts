/** An input that cannot be read at all (missing file, unreachable URL): the CLI exits non-zero. */
export class ReportInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportInputError';
  }
}
