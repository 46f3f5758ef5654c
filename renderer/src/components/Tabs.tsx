/** A row of tabs: one button per tab, the chosen one marked for assistive technology and for the eye. */

export function Tabs<Id extends string>({
  tabs,
  value,
  onChange,
}: {
  tabs: readonly (readonly [Id, string])[];
  value: Id;
  onChange: (id: Id) => void;
}) {
  return (
    <div className="tabs" role="tablist">
      {tabs.map(([id, label]) => (
        <button
          key={id}
          type="button"
          role="tab"
          aria-selected={value === id}
          className={value === id ? 'tab active' : 'tab'}
          onClick={() => onChange(id)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}
