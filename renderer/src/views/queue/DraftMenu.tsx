// "Draft" in the queue toolbar: draft the findings not drafted yet, the selected one, or everything
// the current filter matches (after a confirmation with the count). Unchanged findings (same input,
// same drafter) are skipped unless "Re-draft even if unchanged" is ticked. Progress shows in the
// app bar; the end of the run in a message.
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import Divider from '@mui/material/Divider';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';
import Tooltip from '@mui/material/Tooltip';
import ArrowDropDownOutlined from '@mui/icons-material/ArrowDropDownOutlined';
import AutoAwesomeOutlined from '@mui/icons-material/AutoAwesomeOutlined';
import FilterAltOutlined from '@mui/icons-material/FilterAltOutlined';
import FiberNewOutlined from '@mui/icons-material/FiberNewOutlined';
import TaskAltOutlined from '@mui/icons-material/TaskAltOutlined';
import { useState } from 'react';
import type { QueueFilter } from '../../../../shared/domain';
import { formatTotal } from '../../lib/format';
import { useDraftStore } from '../../stores/draftStore';
import { activeFilterCount, rowAt, useQueueStore } from '../../stores/queueStore';

/** "status: new, drafted · search: “GuardDuty”" — what the filter is, for the confirmation. */
function describeFilter(f: QueueFilter): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(f)) {
    if (k === 'search') {
      if (v) parts.push(`search “${String(v)}”`);
    } else if (Array.isArray(v) && v.length > 0) {
      parts.push(`${k}: ${v.map((x) => (x === '' ? 'unassigned' : String(x))).join(', ')}`);
    }
  }
  return parts.join(' · ');
}

export function DraftMenu() {
  const running = useDraftStore((s) => s.status?.running ?? false);
  const busy = useDraftStore((s) => s.busy);
  const run = useDraftStore((s) => s.run);
  const filter = useQueueStore((s) => s.filter);
  const total = useQueueStore((s) => s.total);
  const totalExact = useQueueStore((s) => s.totalExact);
  const selected = useQueueStore((s) => rowAt(s.pages, s.selectedIndex)?.finding_id ?? null);

  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const [force, setForce] = useState(false);
  const [confirming, setConfirming] = useState<QueueFilter | null>(null);

  const close = () => setAnchor(null);
  const start = (input: Parameters<typeof run>[0]) => {
    close();
    void run({ ...input, ...(force ? { force: true } : {}) });
  };
  const filtered = activeFilterCount(filter) > 0;

  return (
    <>
      <Tooltip title={running ? 'A drafting run is going (see the top bar)' : 'Draft briefs: technique, blast radius, risk, plan, claims with evidence'}>
        <span>
          <Button
            variant="outlined"
            startIcon={<AutoAwesomeOutlined />}
            endIcon={<ArrowDropDownOutlined />}
            onClick={(e) => setAnchor(e.currentTarget)}
            disabled={running || busy !== null}
            aria-haspopup="menu"
            aria-expanded={anchor ? 'true' : undefined}
            data-testid="draft-menu-button"
          >
            Draft
          </Button>
        </span>
      </Tooltip>
      <Menu anchorEl={anchor} open={anchor !== null} onClose={close} slotProps={{ list: { dense: true, 'aria-label': 'Draft' } as object }} data-testid="draft-menu">
        <MenuItem onClick={() => start({ scope: 'new' })} data-testid="draft-new">
          <ListItemIcon>
            <FiberNewOutlined fontSize="small" />
          </ListItemIcon>
          <ListItemText primary="Draft new findings" secondary="every finding still “new”" />
        </MenuItem>
        <MenuItem disabled={!selected} onClick={() => selected && start({ scope: 'ids', ids: [selected] })} data-testid="draft-selected">
          <ListItemIcon>
            <TaskAltOutlined fontSize="small" />
          </ListItemIcon>
          <ListItemText primary="Draft selected" secondary={selected ? `the selected row, ${selected}` : 'select a row first'} />
        </MenuItem>
        <MenuItem
          disabled={total === 0}
          onClick={() => {
            close();
            setConfirming(filter);
          }}
          data-testid="draft-filter"
        >
          <ListItemIcon>
            <FilterAltOutlined fontSize="small" />
          </ListItemIcon>
          <ListItemText primary="Draft all matching the filter…" secondary={`${formatTotal(total, totalExact)}${filtered ? '' : ' (no filter: the whole queue)'}`} />
        </MenuItem>
        <Divider />
        <MenuItem onClick={() => setForce((f) => !f)} role="menuitemcheckbox" aria-checked={force} data-testid="draft-force">
          <ListItemIcon>
            <Checkbox edge="start" checked={force} tabIndex={-1} disableRipple size="small" sx={{ p: 0, ml: 0 }} slotProps={{ input: { 'aria-hidden': true } as object }} />
          </ListItemIcon>
          <ListItemText primary="Re-draft even if unchanged" secondary="otherwise findings whose input has not changed are skipped" />
        </MenuItem>
      </Menu>
      <Dialog open={confirming !== null} onClose={() => setConfirming(null)} aria-labelledby="draft-confirm-title" data-testid="draft-confirm">
        <DialogTitle id="draft-confirm-title">Draft {formatTotal(total, totalExact)}?</DialogTitle>
        <DialogContent>
          <DialogContentText sx={{ fontSize: '0.8125rem' }}>
            Every finding matching {confirming && activeFilterCount(confirming) > 0 ? <strong>{describeFilter(confirming)}</strong> : 'no filter (the whole queue)'} gets a new
            draft{force ? ', even where nothing changed since its last draft' : '; findings whose input has not changed since their last draft are skipped'}. Signed findings keep their
            decision: a draft never changes what an analyst signed.
          </DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setConfirming(null)}>Keep as is</Button>
          <Button
            variant="contained"
            startIcon={<AutoAwesomeOutlined />}
            onClick={() => {
              const f = confirming ?? {};
              setConfirming(null);
              void run({ scope: 'filter', filter: f, ...(force ? { force: true } : {}) });
            }}
            data-testid="draft-confirm-run"
          >
            Draft {formatTotal(total, totalExact)}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
