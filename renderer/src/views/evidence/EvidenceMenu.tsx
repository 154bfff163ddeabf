// "Evidence" in the queue toolbar: export the selected finding or everything the filter matches as
// a signed bundle, verify a bundle someone sent, or co-sign another lead's bundle. The case view has its own one-finding button.
import Button from '@mui/material/Button';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';
import ArchiveOutlined from '@mui/icons-material/ArchiveOutlined';
import ArrowDropDownOutlined from '@mui/icons-material/ArrowDropDownOutlined';
import DateRangeOutlined from '@mui/icons-material/DateRangeOutlined';
import DrawOutlined from '@mui/icons-material/DrawOutlined';
import FactCheckOutlined from '@mui/icons-material/FactCheckOutlined';
import FilterAltOutlined from '@mui/icons-material/FilterAltOutlined';
import TaskAltOutlined from '@mui/icons-material/TaskAltOutlined';
import { useState, type ReactNode } from 'react';
import { formatTotal } from '../../lib/format';
import { useEvidenceStore } from '../../stores/evidenceStore';
import { rowAt, useQueueStore } from '../../stores/queueStore';

export function EvidenceMenu() {
  const filter = useQueueStore((s) => s.filter);
  const total = useQueueStore((s) => s.total);
  const totalExact = useQueueStore((s) => s.totalExact);
  const selected = useQueueStore((s) => rowAt(s.pages, s.selectedIndex)?.finding_id ?? null);
  const openExport = useEvidenceStore((s) => s.openExport);
  const openVerify = useEvidenceStore((s) => s.openVerify);
  const openCosign = useEvidenceStore((s) => s.openCosign);
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const close = () => setAnchor(null);

  return (
    <>
      <Button variant="outlined" startIcon={<ArchiveOutlined />} endIcon={<ArrowDropDownOutlined />} onClick={(e) => setAnchor(e.currentTarget)} aria-haspopup="menu" data-testid="evidence-menu-button">
        Evidence
      </Button>
      <Menu anchorEl={anchor} open={anchor !== null} onClose={close} slotProps={{ list: { dense: true, 'aria-label': 'Evidence' } as object }} data-testid="evidence-menu">
        <ActionItem
          testId="export-selected"
          icon={<TaskAltOutlined fontSize="small" />}
          primary="Export selected…"
          secondary={selected ? `a signed bundle of ${selected}` : 'select a row first'}
          disabled={!selected}
          onClick={() => {
            close();
            if (selected) openExport({ scope: 'ids', ids: [selected], label: selected });
          }}
        />
        <ActionItem
          testId="export-filter"
          icon={<FilterAltOutlined fontSize="small" />}
          primary="Export all matching the filter…"
          secondary={formatTotal(total, totalExact)}
          disabled={total === 0}
          onClick={() => {
            close();
            openExport({ scope: 'filter', filter, label: `${formatTotal(total, totalExact)} matching the filter` });
          }}
        />
        <ActionItem
          testId="export-range"
          icon={<DateRangeOutlined fontSize="small" />}
          primary="Export a time range…"
          secondary="every finding opened between two dates"
          onClick={() => {
            close();
            openExport({ scope: 'range', label: 'findings opened in a time range' });
          }}
        />
        <ActionItem
          testId="verify-bundle"
          icon={<FactCheckOutlined fontSize="small" />}
          primary="Verify a bundle…"
          secondary="check a bundle offline, as an auditor would"
          onClick={() => {
            close();
            openVerify();
          }}
        />
        <ActionItem
          testId="cosign-bundle"
          icon={<DrawOutlined fontSize="small" />}
          primary="Co-sign a bundle…"
          secondary="add your lead signature to another lead's export"
          onClick={() => {
            close();
            openCosign();
          }}
        />
      </Menu>
    </>
  );
}

function ActionItem(p: { testId: string; icon: ReactNode; primary: string; secondary: string; disabled?: boolean; onClick: () => void }) {
  return (
    <MenuItem disabled={p.disabled ?? false} onClick={p.onClick} data-testid={p.testId}>
      <ListItemIcon>{p.icon}</ListItemIcon>
      <ListItemText primary={p.primary} secondary={p.secondary} />
    </MenuItem>
  );
}

/** The case view's export: this one finding. */
export function ExportFindingButton({ id }: { id: string }) {
  const openExport = useEvidenceStore((s) => s.openExport);
  return (
    <Button size="small" startIcon={<ArchiveOutlined />} onClick={() => openExport({ scope: 'ids', ids: [id], label: id })} data-testid="export-finding">
      Export evidence…
    </Button>
  );
}
