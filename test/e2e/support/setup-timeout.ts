// Scenarios wait on real phones, ring timeouts and deadlines.
jest.setTimeout(60_000);
