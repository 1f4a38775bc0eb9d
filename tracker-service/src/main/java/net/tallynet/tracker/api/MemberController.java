package net.tallynet.tracker.api;

import java.util.List;
import java.util.Locale;
import net.tallynet.p2p.http.ApiException;
import net.tallynet.tracker.member.MemberRepository;
import net.tallynet.tracker.member.MemberStatus;
import org.springframework.data.domain.PageRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Read-only view of the members for operators: {@code GET /api/members[?status=active|inactive][&limit=N]}. */
@RestController
@RequestMapping("/api/members")
public class MemberController {
    static final int MAX_LIMIT = 1000;

    private final MemberRepository members;

    public MemberController(MemberRepository members) {
        this.members = members;
    }

    @GetMapping
    public ResponseEntity<?> list(@RequestParam(required = false) String status,
                                  @RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new ApiException(400, "bad_request", "limit must be between 1 and " + MAX_LIMIT);
        }
        PageRequest page = PageRequest.of(0, limit);
        if (status == null) {
            return ResponseEntity.ok(view(members.findAllByOrderByIdAsc(page)));
        }
        MemberStatus wanted;
        try {
            wanted = MemberStatus.valueOf(status.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "bad_request", "status must be active or inactive");
        }
        return ResponseEntity.ok(view(members.findByStatusOrderByIdAsc(wanted.name(), page)));
    }

    private static List<MemberView> view(List<net.tallynet.tracker.member.Member> list) {
        return list.stream().map(MemberView::of).toList();
    }
}
