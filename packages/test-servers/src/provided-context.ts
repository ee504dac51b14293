/** Why a backend has no URL in this run, written so it can stand in a describe title. Null when it has one. */
export interface TestServerSkipReasons {
  readonly postgres: string | null;
  readonly mysql: string | null;
}

// What global-setup.ts provides and backend-urls.ts injects, typed once for both sides.
declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string | null;
    mysqlUrl: string | null;
    testServerSkipReasons: TestServerSkipReasons;
  }
}
