// Entry point of `npm run verifier` (lib/verifier/main.ts).
import { main } from '@/lib/verifier/main';

void main();
