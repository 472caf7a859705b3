import Image from 'next/image';

/** The mark and the name; the caller places and sizes it (`className` sets display, gap and type). */
export function Logo({ size, className }: { size: number; className: string }) {
  return (
    <span className={className}>
      <Image src="/logo.svg" alt="" width={size} height={size} unoptimized />
      Postern
    </span>
  );
}
