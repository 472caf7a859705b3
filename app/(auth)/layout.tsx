import Image from 'next/image';
export default function AuthLayout({ children }: { children: React.ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <p className="mb-4 flex items-center gap-2 text-lg font-semibold tracking-tight">
          <Image src="/logo.svg" alt="" width={28} height={28} unoptimized />
          Postern
        </p>
        {children}
      </div>
    </main>
  );
}
