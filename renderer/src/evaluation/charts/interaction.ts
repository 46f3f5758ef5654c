/** Makes an SVG element act as a toggle button: focusable, clicked by mouse, Enter or Space. */

import type { KeyboardEvent, SVGProps } from 'react';

/** Props that turn an SVG element into a button when `onPress` is given; nothing otherwise. */
export function pressable(
  onPress: (() => void) | undefined,
  pressed?: boolean,
): Pick<SVGProps<SVGElement>, 'role' | 'tabIndex' | 'onClick' | 'onKeyDown' | 'aria-pressed'> {
  if (!onPress) return {};
  return {
    role: 'button',
    tabIndex: 0,
    onClick: onPress,
    onKeyDown: (event: KeyboardEvent<SVGElement>) => {
      if (event.key !== 'Enter' && event.key !== ' ') return;
      event.preventDefault();
      onPress();
    },
    ...(pressed === undefined ? {} : { 'aria-pressed': pressed }),
  };
}

/**
 * A chart whose parts are buttons is a labelled group: children of role="img" are presentational, so
 * screen readers would never reach the buttons.
 */
export const chartRole = (interactive: boolean): 'group' | 'img' => (interactive ? 'group' : 'img');
