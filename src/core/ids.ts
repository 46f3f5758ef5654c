/** Branded identifiers, so an ImageId cannot be passed where a ProjectId is expected. */

declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type ProjectId = Brand<string, 'ProjectId'>;
export type ImageId = Brand<string, 'ImageId'>;
export type RootId = Brand<string, 'RootId'>;
export type JobId = Brand<string, 'JobId'>;
export type ImportId = Brand<string, 'ImportId'>;
/** Lower-case hex sha256 of a file's bytes. */
export type ContentHash = Brand<string, 'ContentHash'>;

export const isContentHash = (value: string): value is ContentHash => /^[0-9a-f]{64}$/.test(value);
