test('t', () => expect(process.env.REQUEST_TIMEOUT).toBe('30'));
