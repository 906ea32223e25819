// The confirmation dialog starts on its safe choice, cancels on Escape and keeps Tab inside.
import { fireEvent, render, screen } from '@testing-library/svelte';
import { createRawSnippet } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import ConfirmDialog from './ConfirmDialog.svelte';

function open() {
  const onconfirm = vi.fn<() => void>();
  const oncancel = vi.fn<() => void>();
  const children = createRawSnippet(() => ({ render: () => '<p>It opens outside Allium.</p>' }));
  render(ConfirmDialog, { props: { title: 'Open this link?', confirmLabel: 'Open in browser', onconfirm, oncancel, children } });
  return { onconfirm, oncancel, dialog: screen.getByRole('alertdialog', { name: 'Open this link?' }) };
}

describe('ConfirmDialog', () => {
  it('puts focus on Cancel first', () => {
    open();
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus();
  });

  it('cancels on Escape and confirms only on the confirm button', async () => {
    const { onconfirm, oncancel, dialog } = open();
    await fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(oncancel).toHaveBeenCalledOnce();
    expect(onconfirm).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByRole('button', { name: 'Open in browser' }));
    expect(onconfirm).toHaveBeenCalledOnce();
  });

  it('wraps Tab from the last button to the first', async () => {
    const { dialog } = open();
    screen.getByRole('button', { name: 'Open in browser' }).focus();
    await fireEvent.keyDown(dialog, { key: 'Tab' });
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus();
  });
});
