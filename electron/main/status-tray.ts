// The tray icon: the core's status as its tooltip and menu header, Show and Quit.
import { Menu, Tray, nativeImage } from 'electron';
import { trayStatusText, type TrayState } from './tray-status.js';

export interface StatusTrayOptions {
  readonly iconPath: string;
  readonly onShow: () => void;
  readonly onQuit: () => void;
}

export interface StatusTray {
  update(state: TrayState): void;
  destroy(): void;
}

export function createStatusTray(options: StatusTrayOptions): StatusTray {
  const tray = new Tray(nativeImage.createFromPath(options.iconPath));
  const render = (state: TrayState): void => {
    const text = trayStatusText(state);
    tray.setToolTip(text);
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: text, enabled: false },
        { type: 'separator' },
        { label: 'Show Allium', click: options.onShow },
        { label: 'Quit Allium', click: options.onQuit },
      ]),
    );
  };
  tray.on('click', options.onShow);
  render({ locked: true });
  return { update: render, destroy: () => tray.destroy() };
}
