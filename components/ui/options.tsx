/** One choice of a select or datalist: a value that is its own label, or a value (or id) and its label. */
export type Choice = string | { value: string; label: string } | { id: string; label: string };

const choiceValue = (c: Choice) => (typeof c === 'string' ? c : 'value' in c ? c.value : c.id);

/** The <option>s of a <select> or <datalist>. */
export function Options({ items }: { items: readonly Choice[] }) {
  return items.map((c) => (
    <option key={choiceValue(c)} value={choiceValue(c)}>
      {typeof c === 'string' ? c : c.label}
    </option>
  ));
}
