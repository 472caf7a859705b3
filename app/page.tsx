import { redirect } from 'next/navigation';
import { adminExists } from '@/lib/dal/users';
import { GLOBAL_NAMESPACE_ID } from '@/lib/schemas/namespace';

export const dynamic = 'force-dynamic';

export default async function Home() {
  if (!(await adminExists())) redirect('/setup');
  redirect(`/ns/${GLOBAL_NAMESPACE_ID}`);
}
