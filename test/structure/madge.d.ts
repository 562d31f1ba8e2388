/** The little of madge 8 (untyped) that the structure checks use. */
declare module 'madge' {
  interface MadgeConfig {
    fileExtensions?: string[];
    tsConfig?: string;
    /** detective-typescript's options: type-only imports count unless `skipTypeImports`. */
    detectiveOptions?: { ts?: { skipTypeImports?: boolean }; tsx?: { skipTypeImports?: boolean } };
  }

  interface MadgeResult {
    /** Every module (relative to the directory given) and the modules it imports. */
    obj(): Record<string, string[]>;
    /** The import circles, each as the modules on it. */
    circular(): string[][];
  }

  export default function madge(path: string, config?: MadgeConfig): Promise<MadgeResult>;
}
