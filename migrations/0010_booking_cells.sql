-- 0010: booking_slots hold 15-minute cells, not the venue's slots.
--
-- A booking used to hold one row per slot of its venue's slot size. When a
-- venue's slot size changed, a new booking's rows could fall between an old
-- booking's and the primary key no longer kept the two apart. Now every
-- booking holds one row per 15 minutes (the smallest slot size; every slot
-- size and Shanghai's offset are multiples of it): this adds the cells that
-- existing bookings left out.
INSERT INTO booking_slots (venue_id, slot_start, booking_id)
SELECT s.venue_id, s.slot_start + k.n * 900, s.booking_id
FROM booking_slots s
JOIN venues v ON v.id = s.venue_id
JOIN (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
      UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7) k ON k.n * 15 < v.slot_minutes
WHERE NOT EXISTS (SELECT 1 FROM booking_slots x
                  WHERE x.venue_id = s.venue_id AND x.slot_start = s.slot_start + k.n * 900);
