// Detecting a missing Electron runtime, as on machines where its download is blocked.
import { describe, expect, it } from 'vitest';
import { findElectronRuntime } from './electron-runtime.js';

describe('findElectronRuntime', () => {
  it('finds a binary that exists', () => {
    expect(findElectronRuntime(() => process.execPath)).toEqual({ found: true, path: process.execPath });
  });

  it('explains a path that does not exist', () => {
    const runtime = findElectronRuntime(() => '/nowhere/electron/dist/electron');
    expect(runtime).toEqual({ found: false, reason: expect.stringContaining('/nowhere/electron/dist/electron does not exist') as unknown });
  });

  it('explains a package that throws instead of naming a path', () => {
    const runtime = findElectronRuntime(() => {
      throw new Error('Electron failed to install correctly');
    });
    expect(runtime).toEqual({ found: false, reason: expect.stringContaining('Electron failed to install correctly') as unknown });
  });
});
