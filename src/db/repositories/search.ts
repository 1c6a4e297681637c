// Text search helpers the list queries share.

/** LIKE's wildcards and escape, taken literally. */
export const literalLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
