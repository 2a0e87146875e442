/** Generator identity written into every header and manifest. Bump on any change to emitted RTL. */
export const GENERATOR = 'spikeforge';
export const VERSION = '0.1.0';
