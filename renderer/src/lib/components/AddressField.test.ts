// The address field judges an address as it is typed and names the specific problem.
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import AddressField from './AddressField.svelte';

const VALID = '25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid';

async function typeInto(text: string): Promise<HTMLElement> {
  render(AddressField, { props: { value: '', id: 'address' } });
  const input = screen.getByLabelText('Their onion address');
  if (text) await fireEvent.input(input, { target: { value: text } });
  return input;
}

describe('AddressField', () => {
  it('explains the format before anything is typed, without calling it an error', async () => {
    const input = await typeInto('');
    expect(input).toHaveAttribute('aria-invalid', 'false');
    expect(screen.getByText(/56 characters, letters a–z and digits 2–7/)).toBeInTheDocument();
  });

  it('counts characters while the address is still being typed', async () => {
    const input = await typeInto(VALID.slice(0, 20));
    expect(input).toHaveAttribute('aria-invalid', 'false');
    expect(screen.getByText('20 of 56 characters')).toBeInTheDocument();
  });

  it('calls an address with too many characters an error, with the count', async () => {
    const input = await typeInto(`${VALID}a`);
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByText('The address has 57 characters; an onion address has 56 (plus optional .onion)')).toBeInTheDocument();
  });

  it('names a character that cannot be in an address and where it is', async () => {
    const input = await typeInto(`${VALID.slice(0, 6)}1${VALID.slice(7)}`);
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByText("Character '1' at position 7 cannot appear in an onion address (letters a–z and digits 2–7 only)")).toBeInTheDocument();
  });

  it('calls a wrong checksum a probable typo', async () => {
    await typeInto(`${VALID.slice(0, 10)}${VALID[10] === 'a' ? 'b' : 'a'}${VALID.slice(11)}`);
    expect(screen.getByText('The checksum does not match: probably a typo in the address')).toBeInTheDocument();
  });

  it('refuses a link and accepts the address with .onion', async () => {
    await typeInto(`http://${VALID}.onion`);
    expect(screen.getByText(/This looks like a link, not an address/)).toBeInTheDocument();
    await fireEvent.input(screen.getByLabelText('Their onion address'), { target: { value: `${VALID}.onion` } });
    expect(screen.getByText('Valid onion address')).toBeInTheDocument();
  });

  it('shows hostile input back as text only', () => {
    const { container } = render(AddressField, { props: { value: '<img src=x onerror=alert(1)>', id: 'address' } });
    expect(container.querySelector('img')).toBeNull();
    expect(screen.getByText(/Character '<' at position 1/)).toBeInTheDocument();
  });
});
