import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="max-w-xl">
      <h1 className="mb-2 text-xl font-semibold">Not found</h1>
      <p className="mb-3 text-slate-600">That page does not exist, or what it showed was deleted.</p>
      <Link href="/ns/global" className="text-indigo-700 hover:underline">
        Go to Global
      </Link>
    </div>
  );
}
