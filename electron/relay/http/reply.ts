// What a route answers: a status, a JSON body and extra headers.
export type Reply = { readonly status: number; readonly body: unknown; readonly headers?: Record<string, string> };
