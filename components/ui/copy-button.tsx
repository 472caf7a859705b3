'use client';
import { useState } from 'react';
import { Button } from '@/components/ui/button';

/** Copies a secret to the clipboard, with a status line that says whether it worked. */
export function CopyButton({ text }: { text: string }) {
  const [copied, setCopied] = useState<'ok' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('ok');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <div className="flex w-28 shrink-0 flex-col items-start gap-1">
      <Button onClick={copy}>Copy</Button>
      <p role="status" className="text-xs text-slate-600">
        {copied === 'ok'
          ? 'Copied to the clipboard.'
          : copied === 'failed'
            ? 'Clipboard refused: select the text and copy it.'
            : ''}
      </p>
    </div>
  );
}
