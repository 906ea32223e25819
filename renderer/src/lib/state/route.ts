// Which page the main area shows; a plain union so every page is handled where it is drawn.

export type Route =
  | { readonly page: 'welcome' }
  | { readonly page: 'chat'; readonly address: string }
  | { readonly page: 'group'; readonly id: string }
  | { readonly page: 'new-group'; readonly mode: 'create' | 'join' }
  | { readonly page: 'directory' }
  | { readonly page: 'safety'; readonly address: string }
  | { readonly page: 'add-contact' }
  | { readonly page: 'requests' }
  | { readonly page: 'identity' }
  | { readonly page: 'settings'; readonly section?: 'tor' };
