/**
 * A serial port as a ByteLink (docs/board.md): `stty` sets the port to raw 8N1 at the
 * board's baud rate (no flow control, no echo), then the port is read and written as a
 * terminal stream. No native module: stty comes with every Linux and macOS.
 */
import { openSync } from 'node:fs';
import { ReadStream, WriteStream } from 'node:tty';
import { FileSystemError, describeErrno, errnoOf } from '../base/errors.js';
import { runTool } from './run.js';
import { StreamLink, type ByteLink } from './byte-link.js';

/** The stty settings of the link: raw bytes, 8 data bits, no parity, one stop bit, no flow control. */
export function sttyArgs(port: string, baud: number): string[] {
  const flag = process.platform === 'darwin' ? '-f' : '-F';
  return [flag, port, String(baud), 'raw', '-echo', 'cs8', '-parenb', '-cstopb', '-crtscts', '-ixon', '-ixoff', 'clocal'];
}

export async function openSerial(port: string, baud: number): Promise<ByteLink> {
  await runTool('stty', sttyArgs(port, baud), `setting up ${port}`, { timeoutSeconds: 10 });
  let fd: number;
  try {
    fd = openSync(port, 'r+');
  } catch (e) {
    const code = errnoOf(e);
    throw new FileSystemError(`open ${port}: ${code ? describeErrno(code) : String(e)}`);
  }
  const input = new ReadStream(fd);
  const output = new WriteStream(fd);
  return new StreamLink(`${port} at ${baud} baud`, input, output, async () => {
    input.destroy();
    output.destroy();
  });
}
