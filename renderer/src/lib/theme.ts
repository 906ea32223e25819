// Applies the chosen theme to the page; "system" leaves it to the operating system's light or dark setting.
import type { Theme } from '../../../electron/shared/api/index.js';

export function applyTheme(theme: Theme): void {
  if (theme === 'system') delete document.documentElement.dataset['theme'];
  else document.documentElement.dataset['theme'] = theme;
}
