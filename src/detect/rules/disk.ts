/** Disk rules: no space, read-only file system, permission denied, I/O errors, missing or locked files. */
import type { RuleDefinition } from './types.ts';

export const DISK_RULES: readonly RuleDefinition[] = [
  {
    id: 'disk.no-space',
    text: /Not enough free space|No space left on device|ENOSPC|not enough space on the disk/i,
    category: 'disk',
    severity: 'high',
    title: '{app}: not enough free disk space',
  },
  {
    id: 'disk.read-only',
    text: /Read-only file system|EROFS/i,
    category: 'disk',
    severity: 'critical',
    title: '{app}: file system is read-only',
    hint: 'A disk remounted read-only after errors, or a volume mounted :ro.',
  },
  {
    id: 'disk.io-error',
    text: /disk I\/O error|Input\/output error|\bI\/O error\b|\bEIO\b/i,
    category: 'disk',
    severity: 'critical',
    title: '{app}: disk I/O errors',
    hint: 'Failing disk, cable or network share; check dmesg and SMART.',
  },
  {
    id: 'disk.permission-denied',
    text: /Access to the path .*is denied|Permission denied|\bEACCES\b|\bEPERM\b|Operation not permitted|UnauthorizedAccessException|is(?: not|n't) writable/i,
    category: 'disk',
    severity: 'high',
    title: '{app}: permission denied on files or folders',
    hint: 'The user the app runs as (PUID/PGID in Docker) cannot read or write the path.',
  },
  {
    id: 'disk.path-missing',
    text: /Could not find a part of the path|DirectoryNotFoundException|FileNotFoundException|No such file or directory|\bENOENT\b/i,
    category: 'disk',
    severity: 'medium',
    title: '{app}: files or folders are missing',
  },
  {
    id: 'disk.file-locked',
    text: /being used by another process/i,
    category: 'disk',
    severity: 'low',
    title: '{app}: a file is locked by another process',
  },
  {
    id: 'disk.qbittorrent-file-error',
    apps: ['qbittorrent'],
    message: /^File error alert\. Torrent: /,
    category: 'disk',
    severity: 'high',
    title: 'qBittorrent cannot read or write torrent files',
    group: 'rule',
  },
];
