import { packageConfig } from '@repo/vitest-config';

export default packageConfig(import.meta.dirname);
