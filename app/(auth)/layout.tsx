import { Logo } from '@/components/shell/logo';

export default function AuthLayout({ children }: { children: React.ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <Logo size={28} className="mb-4 flex items-center gap-2 text-lg font-semibold tracking-tight" />
        {children}
      </div>
    </main>
  );
}
