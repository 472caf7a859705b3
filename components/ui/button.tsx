import Link from 'next/link';
import type { AnchorHTMLAttributes, ButtonHTMLAttributes } from 'react';

const variants = {
  primary: 'bg-indigo-600 text-white hover:bg-indigo-700 disabled:bg-indigo-300',
  secondary: 'border border-slate-300 bg-white text-slate-800 hover:bg-slate-50 disabled:text-slate-400',
  danger: 'bg-red-600 text-white hover:bg-red-700 disabled:bg-red-300',
  ghost: 'text-slate-700 hover:bg-slate-100 disabled:text-slate-400',
} as const;

type Variant = keyof typeof variants;

/** The look of a button, for the links that look like one. */
const buttonClass = (variant: Variant, className: string) =>
  `inline-flex items-center justify-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-medium transition-colors disabled:cursor-not-allowed ${variants[variant]} ${className}`;

export function Button({
  variant = 'secondary',
  className = '',
  type = 'button',
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant }) {
  return <button type={type} className={buttonClass(variant, className)} {...props} />;
}

/**
 * A link that looks like a button: a page of the console (client-side navigation), or with
 * `download` a file from a route handler (a plain <a>, so the browser saves it).
 */
export function ButtonLink({
  href,
  variant = 'secondary',
  className = '',
  download,
  ...props
}: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string; variant?: Variant; download?: boolean }) {
  return download ? (
    <a href={href} download className={buttonClass(variant, className)} {...props} />
  ) : (
    <Link href={href} className={buttonClass(variant, className)} {...props} />
  );
}
