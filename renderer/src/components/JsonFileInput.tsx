/** A hidden file input that hands over one chosen JSON file; cleared after each choice, so the same file can be chosen again. */

import type { InputHTMLAttributes, Ref } from 'react';

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'accept' | 'onChange'> & {
  readonly ref?: Ref<HTMLInputElement>;
  readonly onFile: (file: File) => void;
};

export function JsonFileInput({ onFile, hidden = true, ...rest }: Props) {
  return (
    <input
      {...rest}
      type="file"
      accept=".json,application/json"
      hidden={hidden}
      onChange={(e) => {
        const file = e.target.files?.[0];
        e.target.value = '';
        if (file) onFile(file);
      }}
    />
  );
}
