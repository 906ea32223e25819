// Types of the values the Tor test project's globalSetup provides to every test file.
declare module 'vitest' {
  export interface ProvidedContext {
    /** absolute path of the testnet's client torrc-extra file (ALLIUM_TORRC_EXTRA) */
    testnetTorrcFile: string;
    /** the lines of that file */
    testnetTorrcLines: string[];
  }
}

export {};
