/** A confidence threshold in [0, 1], in steps of 0.05; what is typed is clamped into range. */

export function ScoreInput({
  label,
  value,
  onChange,
}: {
  /** The accessible name. */
  label: string;
  value: number;
  onChange: (value: number) => void;
}) {
  return (
    <input
      aria-label={label}
      type="number"
      min={0}
      max={1}
      step={0.05}
      value={value}
      onChange={(e) => onChange(Math.max(0, Math.min(1, Number(e.target.value) || 0)))}
    />
  );
}
