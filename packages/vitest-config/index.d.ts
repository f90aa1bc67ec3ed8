import type { UserWorkspaceConfig } from 'vitest/config';
export declare function packageConfig(dir: string, overrides?: UserWorkspaceConfig): UserWorkspaceConfig;
