import { describe, expect, it } from 'vitest';
import { describeProblemGroups, groupProblems } from './report';

describe('groupProblems', () => {
  it('groups problems whose reasons differ only in numbers and quoted names, most frequent first', () => {
    const groups = groupProblems(
      [
        {
          file: 'labels/a.txt',
          item: 'line 2',
          reason: 'class 7 is out of range: the dataset has 3 classes (0–2)',
        },
        {
          file: 'labels/b.txt',
          item: 'line 9',
          reason: 'class 12 is out of range: the dataset has 3 classes (0–2)',
        },
        { file: 'labels/c.txt', item: 'line 1', reason: '"x" is not a number' },
        {
          file: 'labels/d.txt',
          item: 'line 4',
          reason: 'class 3 is out of range: the dataset has 3 classes (0–2)',
        },
      ],
      2,
    );
    expect(groups.map((g) => [g.count, g.reason])).toEqual([
      [3, 'class N is out of range: the dataset has N classes (N–N)'],
      [1, '"…" is not a number'],
    ]);
    expect(describeProblemGroups(groups)).toBe(
      [
        '  3× class N is out of range: the dataset has N classes (N–N)',
        '      labels/a.txt line 2: class 7 is out of range: the dataset has 3 classes (0–2)',
        '      labels/b.txt line 9: class 12 is out of range: the dataset has 3 classes (0–2)',
        '      … and 1 more',
        '  1× "…" is not a number',
        '      labels/c.txt line 1: "x" is not a number',
        '',
      ].join('\n'),
    );
  });
});
