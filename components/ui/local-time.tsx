'use client';
import { useEffect, useState } from 'react';

const fmt = (iso: string, tz?: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short', ...(tz ? { timeZone: tz } : {}) });

/** An instant shown in the viewer's time zone (UTC until the browser has taken over). */
export function LocalTime({ iso, empty = '—' }: { iso: string | null; empty?: string }) {
  const [text, setText] = useState(() => (iso ? `${fmt(iso, 'UTC')} UTC` : empty));
  useEffect(() => {
    if (iso) setText(fmt(iso));
  }, [iso]);
  return iso ? (
    <time dateTime={iso} title={iso}>
      {text}
    </time>
  ) : (
    <span className="text-slate-400">{empty}</span>
  );
}
